// Windows and some Linux desktops have no colour flag glyphs: a flag emoji there shows as two
// letters in boxes. Drawing one on a canvas tells: a real flag has coloured pixels.
let cached: boolean | null = null;

export function supportsFlagEmoji(): boolean {
  cached ??= detect();
  return cached;
}

function detect(): boolean {
  try {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 16;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return false;
    context.font = '14px sans-serif';
    context.textBaseline = 'top';
    context.fillText('\u{1F1FA}\u{1F1F8}', 0, 0);
    const { data } = context.getImageData(0, 0, 16, 16);
    for (let index = 0; index < data.length; index += 4) {
      const [red, green, blue] = [data[index] ?? 0, data[index + 1] ?? 0, data[index + 2] ?? 0];
      if (Math.abs(red - green) > 30 || Math.abs(green - blue) > 30) return true;
    }
    return false;
  } catch {
    return false;
  }
}
