// The progress bar of a many-offices batch: asks the server how far it is
// every second, and shows the results when it is done. Without JavaScript the
// page refreshes itself instead (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("bar");
  var text = document.getElementById("bar-text");
  var words = text.textContent.replace(/\d+/g, "#");  // "# of # offices done." in the page's language
  var tries = 0;
  function tick() {
    tries += 1;
    if (tries > 3600) { return; }  // an hour: stop asking
    fetch(box.getAttribute("data-progress"), {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state) {
          bar.max = state.total;
          bar.value = state.done;
          var n = 0;
          text.textContent = words.replace(/#/g, function () { n += 1; return n === 1 ? state.done : state.total; });
          if (state.finished) { window.location.reload(); return; }
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
}());
