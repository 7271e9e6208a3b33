// Interface text in English and Korean, chosen from the browser's languages.

const STRINGS = {
  en: {
    skip: "Skip to the reader",
    title: "storytime",
    tagline: "Photograph a book page and listen to it.",
    captureHeading: "Read a page aloud",
    take: "Take a photo",
    choose: "Choose a photo",
    drop: "…or drop a photo here.",
    dropActive: "Drop the photo to read it.",
    retry: "Try again",
    readerHeading: "Your page",
    audio: "The page read aloud",
    speed: "Speed",
    photoAlt: "The photographed page",
    textLabel: "The text on the page",
    recentHeading: "Recent pages",
    recentEmpty: "Pages you read on this device appear here.",
    recentPlay: "Listen again: {title}",
    recentUntitled: "page read {when}",
    preparing: "Preparing the photo…",
    uploading: "Sending the photo… {percent}%",
    QUEUED: "Waiting its turn…",
    READING_PAGE: "Reading the page…",
    FINDING_TEXT: "Finding the text…",
    SPEAKING: "Speaking the text…",
    loading: "Opening the page…",
    ready: "Ready. Press play to listen.",
    bookHeading: "A book",
    bookHelp: "Add pages in reading order, then play them as one story.",
    bookAdd: "Add pages",
    bookPlay: "Play the book",
    bookNew: "Start a new book",
    bookPage: "Page {n}: {status}",
    bookUp: "Move page {n} up",
    bookDown: "Move page {n} down",
    bookAdding: "Adding page {n} of {total}…",
    bookWaiting: "Reading the book's pages… {done} of {total} read",
    bookReady: "The book is ready. Press play to listen.",
    bookReaderHeading: "Your book",
    pageStatus_QUEUED: "waiting",
    pageStatus_PROCESSING: "being read",
    pageStatus_RETRYING: "being read again",
    pageStatus_COMPLETE: "read",
    pageStatus_NO_TEXT: "no text",
    pageStatus_FAILED: "failed",
    tooLarge: "This photo is too large. Take it again a little further away, or choose a smaller picture.",
    notImage: "This file is not a photo storytime can read. Choose a JPEG, PNG, WebP or HEIC picture.",
    corrupt: "This picture is damaged or incomplete. Take it again.",
    empty: "The file was empty. Choose a photo.",
    noText: "No readable text was found on this page. Try a sharper photo in good light, with the page filling the frame.",
    failed: "storytime could not read this page ({reason}). Try again in a minute and it will start over.",
    busy: "storytime is busy right now. Try again later.",
    offline: "storytime could not be reached. Check the connection and try again.",
    gone: "This page is no longer stored. Photograph it again.",
    forbidden: "This page may not use storytime: its API key is missing or wrong. Tell whoever runs it.",
    unknown: "Something went wrong ({code}). Try again later.",
    reasonTextTooLong: "there is more text than one page holds",
    reasonSpeech: "the voice could not speak it",
    reasonOther: "{code}",
  },
  ko: {
    skip: "읽기 화면으로 건너뛰기",
    title: "storytime",
    tagline: "책 한 페이지를 찍으면 소리 내어 읽어 줍니다.",
    captureHeading: "페이지 읽어 주기",
    take: "사진 찍기",
    choose: "사진 고르기",
    drop: "…또는 사진을 여기에 끌어다 놓으세요.",
    dropActive: "사진을 놓으면 읽기 시작합니다.",
    retry: "다시 시도",
    readerHeading: "내 페이지",
    audio: "소리 내어 읽은 페이지",
    speed: "속도",
    photoAlt: "찍은 페이지 사진",
    textLabel: "페이지의 글",
    recentHeading: "최근 페이지",
    recentEmpty: "이 기기에서 읽은 페이지가 여기에 나타납니다.",
    recentPlay: "다시 듣기: {title}",
    recentUntitled: "{when}에 읽은 페이지",
    preparing: "사진을 준비하는 중…",
    uploading: "사진을 보내는 중… {percent}%",
    QUEUED: "차례를 기다리는 중…",
    READING_PAGE: "페이지를 읽는 중…",
    FINDING_TEXT: "글을 찾는 중…",
    SPEAKING: "소리로 읽는 중…",
    loading: "페이지를 여는 중…",
    ready: "준비되었습니다. 재생을 눌러 들어 보세요.",
    bookHeading: "책",
    bookHelp: "읽는 순서대로 페이지를 추가한 뒤 하나의 이야기로 들어 보세요.",
    bookAdd: "페이지 추가",
    bookPlay: "책 재생",
    bookNew: "새 책 시작",
    bookPage: "{n}쪽: {status}",
    bookUp: "{n}쪽을 위로",
    bookDown: "{n}쪽을 아래로",
    bookAdding: "{total}쪽 중 {n}쪽 추가 중…",
    bookWaiting: "책의 페이지를 읽는 중… {total}쪽 중 {done}쪽 완료",
    bookReady: "책이 준비되었습니다. 재생을 눌러 들어 보세요.",
    bookReaderHeading: "내 책",
    pageStatus_QUEUED: "대기 중",
    pageStatus_PROCESSING: "읽는 중",
    pageStatus_RETRYING: "다시 읽는 중",
    pageStatus_COMPLETE: "완료",
    pageStatus_NO_TEXT: "글자 없음",
    pageStatus_FAILED: "실패",
    tooLarge: "사진이 너무 큽니다. 조금 멀리서 다시 찍거나 더 작은 사진을 고르세요.",
    notImage: "storytime이 읽을 수 있는 사진이 아닙니다. JPEG, PNG, WebP, HEIC 사진을 고르세요.",
    corrupt: "사진이 손상되었거나 일부만 있습니다. 다시 찍어 주세요.",
    empty: "빈 파일입니다. 사진을 고르세요.",
    noText: "이 페이지에서 읽을 수 있는 글을 찾지 못했습니다. 밝은 곳에서 페이지가 화면을 채우도록 선명하게 찍어 주세요.",
    failed: "이 페이지를 읽지 못했습니다 ({reason}). 1분 뒤에 다시 시도하면 처음부터 다시 읽습니다.",
    busy: "storytime이 지금 바쁩니다. 잠시 후 다시 시도하세요.",
    offline: "storytime에 연결할 수 없습니다. 연결을 확인하고 다시 시도하세요.",
    gone: "이 페이지는 더 이상 저장되어 있지 않습니다. 다시 찍어 주세요.",
    forbidden: "이 페이지는 storytime을 사용할 수 없습니다. API 키가 없거나 틀렸습니다. 운영자에게 알려 주세요.",
    unknown: "문제가 생겼습니다 ({code}). 잠시 후 다시 시도하세요.",
    reasonTextTooLong: "한 페이지에 담기에는 글이 너무 많습니다",
    reasonSpeech: "목소리로 읽지 못했습니다",
    reasonOther: "{code}",
  },
};

export function pickLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base in STRINGS) return base;
  }
  return "en";
}

export const language = pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);

export function t(key, values = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// Fill every element marked data-i18n (text), data-i18n-label (aria-label), data-i18n-alt (alt).
export function translate(root = document) {
  document.documentElement.lang = language;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-alt]")) el.alt = t(el.dataset.i18nAlt);
}
