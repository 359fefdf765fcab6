// Red Card sheets: a running total under the counts ("20 cards on 2 sheets",
// or how many more fill the last sheet). The words come from the page (in its
// language). Without JavaScript the server checks the total when you submit.
(function () {
  "use strict";
  var out = document.getElementById("sheet-total");
  if (!out) { return; }
  var per = parseInt(out.getAttribute("data-per-sheet"), 10) || 10;
  var inputs = document.querySelectorAll("input[name^='count-']");
  function update() {
    var total = 0;
    for (var i = 0; i < inputs.length; i++) {
      var n = parseInt(inputs[i].value, 10);
      if (n > 0) { total += n; }
    }
    var sheets = Math.ceil(total / per), short = sheets * per - total;
    var key = total === 0 ? "data-none" : (short ? "data-short" : "data-whole");
    out.textContent = out.getAttribute(key)
      .replace("{cards}", String(total)).replace("{sheets}", String(sheets)).replace("{more}", String(short));
  }
  for (var i = 0; i < inputs.length; i++) { inputs[i].addEventListener("input", update); }
  out.hidden = false;
  update();
})();
