// Live preview on What to print: when a handout and a language are ticked,
// show the first page of the last ones ticked, with this clinic, as it will
// print (made by the server, then cached). Without JavaScript this part of
// the page stays hidden: "Make the PDFs" shows every page.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box) { return; }
  var img = document.getElementById("live-img");
  var status = document.getElementById("live-status");
  var chosen = {handout: null, lang: null};
  var timer = null;
  box.hidden = false;

  function label(input) {
    var text = document.querySelector("label[for='" + input.id + "'] strong, label[for='" + input.id + "'] span");
    return text ? text.textContent.trim() : input.value;
  }
  function pick(name) {  // the last one ticked, else the first ticked
    var last = chosen[name];
    if (last && last.checked) { return last; }
    return document.querySelector("input[name='" + name + "']:checked");
  }
  function words(key, handout, lang) {
    return box.getAttribute(key).replace("{h}", label(handout)).replace("{l}", label(lang));
  }
  function show() {
    var handout = pick("handout"), lang = pick("lang");
    if (!handout || !lang) { return; }
    var src = box.getAttribute("data-base") + "/" + encodeURIComponent(handout.value) + "/" + encodeURIComponent(lang.value) + ".png";
    if (img.getAttribute("src") === src && !img.hidden) { return; }
    status.textContent = words("data-making", handout, lang);
    img.onload = function () { img.hidden = false; img.alt = words("data-done", handout, lang); status.textContent = img.alt; };
    img.onerror = function () { img.hidden = true; status.textContent = box.getAttribute("data-busy"); };
    img.src = src;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || (input.name !== "handout" && input.name !== "lang")) { return; }
    if (input.checked) { chosen[input.name] = input; }
    window.clearTimeout(timer);
    timer = window.setTimeout(show, 400);
  });
  show();
}());
