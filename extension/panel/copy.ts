/**
 * Copy text to the clipboard from inside DevTools, where navigator.clipboard is usually refused (the panel is a
 * cross-origin iframe without clipboard-write permission): the synchronous execCommand path works during the click,
 * and the async API is the fallback for the panel opened as a page.
 */
export async function copyText(text: string): Promise<boolean> {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (ok) return true;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
