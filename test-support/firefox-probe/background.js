// Sends every webRequest event, with all of its details, to the probe's report server as it happens
// (__REPORT__ is replaced by the server's URL when the probe copies the extension).
const REPORT = '__REPORT__';
const post = (path, body) => fetch(`${REPORT}${path}`, { method: 'POST', body: JSON.stringify(body) });
const filter = { urls: ['<all_urls>'] };
const listen = (name, extra) =>
  browser.webRequest[name].addListener(
    (details) => {
      if (!details.url.startsWith(REPORT)) post('/event', { event: name, details });
    },
    filter,
    extra,
  );
listen('onBeforeRequest', []);
listen('onBeforeSendHeaders', ['requestHeaders']);
listen('onSendHeaders', ['requestHeaders']);
listen('onHeadersReceived', ['responseHeaders']);
listen('onBeforeRedirect', ['responseHeaders']);
listen('onResponseStarted', ['responseHeaders']);
listen('onCompleted', ['responseHeaders']);
listen('onErrorOccurred', undefined);
