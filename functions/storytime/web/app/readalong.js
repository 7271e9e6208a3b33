// The recognised text, shown as paragraphs the reader can follow.

export function renderText(container, text, language) {
  container.replaceChildren();
  container.lang = language || "";
  for (const paragraph of (text || "").split(/\n\s*\n/)) {
    if (!paragraph.trim()) continue;
    const p = document.createElement("p");
    p.textContent = paragraph.trim();
    container.append(p);
  }
}
