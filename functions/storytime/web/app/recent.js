// Recent pages on this device (localStorage): enough to open and play each again without uploading.

const KEY = "storytime.recent";
const KEEP = 20;

export function recentPages() {
  try {
    const pages = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(pages) ? pages.filter((p) => p && typeof p.id === "string") : [];
  } catch {
    return [];
  }
}

export function remember(result) {
  const entry = {
    id: result.id,
    title: (result.text || "").replace(/\s+/g, " ").trim().slice(0, 60),
    language: result.language || "",
    at: new Date().toISOString(),
  };
  const pages = [entry, ...recentPages().filter((p) => p.id !== entry.id)].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(pages));
  } catch {
    // Storage full or disabled (private browsing): the page still plays, it is just not remembered.
  }
  return pages;
}

export function forget(id) {
  const pages = recentPages().filter((p) => p.id !== id);
  try {
    localStorage.setItem(KEY, JSON.stringify(pages));
  } catch {
    // as above
  }
  return pages;
}
