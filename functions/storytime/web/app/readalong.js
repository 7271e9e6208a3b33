// The recognised text, with the sentence being spoken lit up (and the word, where timings have words).
//
// The timing file lists marks {time (ms), type: "sentence" | "word", value}. The spoken text can
// differ from the shown text in its spaces and line breaks, so each mark is found by its value,
// in order, ignoring white space.

export async function loadTimings(url) {
  if (!url) return null;
  try {
    const answer = await fetch(url);
    if (!answer.ok) return null;
    const timings = await answer.json();
    return Array.isArray(timings.marks) ? timings : null;
  } catch {
    return null;
  }
}

// The text without white space, and for each of its characters where it stands in the text.
function squeeze(text) {
  let letters = "";
  const at = [];
  for (let i = 0; i < text.length; i++) {
    if (!/\s/.test(text[i])) {
      letters += text[i];
      at.push(i);
    }
  }
  return { letters, at };
}

// Marks of one type -> [{time, start, end}] in the text, in order; marks not found are left out.
export function locate(text, marks, type) {
  const { letters, at } = squeeze(text);
  const found = [];
  let cursor = 0;
  for (const mark of marks) {
    if (mark.type !== type) continue;
    const value = squeeze(String(mark.value || "")).letters;
    if (!value) continue;
    const index = letters.indexOf(value, cursor);
    if (index < 0) continue;
    found.push({ time: mark.time, start: at[index], end: at[index + value.length - 1] + 1 });
    cursor = index + value.length;
  }
  return found;
}

function span(className, text) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

// Shows the text; returns the spans to light up, each with the time it starts.
export function renderText(container, text, language, timings) {
  container.replaceChildren();
  container.lang = language || "";
  text = (text || "").trim();
  const marks = timings?.marks || [];
  const sentences = locate(text, marks, "sentence");
  const words = locate(text, marks, "word");
  const lit = { sentences: [], words: [] };
  let position = 0;
  for (const sentence of sentences) {
    if (sentence.start < position) continue;
    container.append(text.slice(position, sentence.start));
    const element = span("sentence", "");
    let inner = sentence.start;
    for (const word of words) {
      if (word.start < inner || word.end > sentence.end) continue;
      element.append(text.slice(inner, word.start));
      const wordElement = span("word", text.slice(word.start, word.end));
      element.append(wordElement);
      lit.words.push({ time: word.time, element: wordElement });
      inner = word.end;
    }
    element.append(text.slice(inner, sentence.end));
    container.append(element);
    lit.sentences.push({ time: sentence.time, element });
    position = sentence.end;
  }
  container.append(text.slice(position));
  return lit;
}

function current(list, ms) {
  let found = null;
  for (const item of list) {
    if (item.time <= ms) found = item;
    else break;
  }
  return found;
}

// Light up what is being said while the audio plays. Returns a function that stops following.
export function follow(audio, lit) {
  let shown = { sentence: null, word: null };
  let frame = 0;
  const reduced = matchMedia("(prefers-reduced-motion: reduce)").matches;

  function show(kind, item) {
    if (shown[kind] === item) return;
    shown[kind]?.element.classList.remove("speaking");
    item?.element.classList.add("speaking");
    shown[kind] = item;
    if (kind === "sentence" && item && !audio.paused) {
      item.element.scrollIntoView({ block: "nearest", behavior: reduced ? "auto" : "smooth" });
    }
  }

  function update() {
    const ms = audio.currentTime * 1000;
    const started = (ms > 0 || !audio.paused) && !audio.ended;
    show("sentence", started ? current(lit.sentences, ms) : null);
    show("word", started ? current(lit.words, ms) : null);
  }

  function tick() {
    update();
    frame = audio.paused ? 0 : requestAnimationFrame(tick);
  }

  const onPlay = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(tick);
  };
  const events = ["timeupdate", "seeked", "ended", "emptied"];
  audio.addEventListener("play", onPlay);
  for (const name of events) audio.addEventListener(name, update);
  return () => {
    cancelAnimationFrame(frame);
    audio.removeEventListener("play", onPlay);
    for (const name of events) audio.removeEventListener(name, update);
    show("sentence", null);
    show("word", null);
  };
}
