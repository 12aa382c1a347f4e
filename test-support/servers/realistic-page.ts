/**
 * A realistic page for load-time measurements: about 150 requests like a small web app makes them. Same-origin
 * scripts, stylesheets and images; cross-origin images without crossorigin (no-cors); cross-origin fonts; API calls
 * to another site, a few of which fail CORS. `window.pageDone` resolves when everything has settled.
 */

export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export function realisticPage(api: string, tag: string): string {
  const echo = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '$ORIGIN' }));
  const star = encodeURIComponent(JSON.stringify({ 'access-control-allow-origin': '*' }));
  const scripts = Array.from({ length: 30 }, (_, i) => `<script src="/static/s${i}.js?${tag}"></script>`).join('');
  const styles = Array.from({ length: 10 }, (_, i) => `<link rel="stylesheet" href="/static/c${i}.css?${tag}">`).join('');
  const images = Array.from({ length: 60 }, (_, i) => `<img src="/static/i${i}.png?${tag}" width="1" height="1">`).join('');
  const foreign = Array.from({ length: 20 }, (_, i) => `<img src="${api}/cors?ct=image%2Fpng&img=${tag}-${i}" width="1" height="1">`).join(
    '',
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>realistic</title>${styles}</head><body>
${images}${foreign}${scripts}
<script>
const api = ${JSON.stringify(api)};
const fonts = Array.from({ length: 6 }, (_, i) => new FontFace('f' + i, 'url(' + api + '/cors?ct=font%2Fwoff2&h=${star}&font=${tag}-' + i + ')').load().catch(() => null));
const calls = Array.from({ length: 24 }, (_, i) => fetch(api + '/cors?call=${tag}-' + i + (i % 6 === 5 ? '' : '&h=${echo}')).then((r) => r.text(), () => null));
const loaded = new Promise((r) => (document.readyState === 'complete' ? r() : addEventListener('load', r)));
window.pageDone = Promise.all([loaded, ...fonts, ...calls]).then(() => performance.now());
</script></body></html>`;
}
