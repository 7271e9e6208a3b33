// Make a phone photo small enough to send quickly: at most LONG_SIDE pixels on its long side.

export const LONG_SIDE = 2500;

// Returns a JPEG Blob when the picture was larger, else the file itself (its bytes unchanged,
// so the same photo sent twice is recognised as the same page). A picture the browser cannot
// decode (HEIC on most browsers, or not a picture at all) is sent as it is: the server decides.
export async function shrink(file, longSide = LONG_SIDE) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;
  }
  try {
    const scale = longSide / Math.max(bitmap.width, bitmap.height);
    if (scale >= 1) return file;
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.9));
    return blob || file;
  } finally {
    bitmap.close();
  }
}
