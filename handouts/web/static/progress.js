// The progress bar of a job (one clinic's files, Red Card sheets, many
// offices): asks the server how far it is every second (its words come in the
// page's language), and shows what was made when it is done. Without
// JavaScript the page refreshes itself instead (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("bar");
  var text = document.getElementById("bar-text");
  var tries = 0, shown = bar.value;
  function tick() {
    tries += 1;
    if (tries > 3600) { return; }  // an hour: stop asking
    fetch(box.getAttribute("data-progress"), {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state) {
          if (state.finished) { window.location.reload(); return; }
          bar.max = state.total;
          bar.value = state.done;
          // a screen reader hears it: say it when a file is done, and otherwise every 10 s
          if (state.done !== shown || tries % 10 === 0) { text.textContent = state.text; shown = state.done; }
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
}());
