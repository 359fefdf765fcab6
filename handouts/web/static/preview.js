// Live preview on What to print: when a handout and languages are ticked,
// show its page with the clinic's band, in each language ticked (the last one
// ticked first, four at most), at the first paper size ticked, as it will print
// (made by the server, then cached). Without JavaScript this part of the page
// stays hidden: "Make the PDFs" shows every page.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box) { return; }
  var first = document.getElementById("live-img");
  var pages = document.getElementById("live-pages");
  var status = document.getElementById("live-status");
  var chosen = {handout: null, lang: null};
  var timer = null;
  var MOST = 4;
  box.hidden = false;

  function label(input) {
    var text = document.querySelector("label[for='" + input.id + "'] strong, label[for='" + input.id + "'] span");
    return text ? text.textContent.trim() : input.value;
  }
  function ticked(name) {
    return Array.prototype.slice.call(document.querySelectorAll("input[name='" + name + "']:checked"));
  }
  function pick(name) {  // the last one ticked, else the first ticked
    var last = chosen[name];
    if (last && last.checked) { return last; }
    return ticked(name)[0] || null;
  }
  function words(key, handout, lang) {
    return box.getAttribute(key).replace("{h}", label(handout)).replace("{l}", label(lang));
  }
  function picture(index) {  // the first is #live-img; the others are made as needed
    if (index === 0) { return first; }
    var img = pages.querySelectorAll("img.live-img")[index];
    if (!img) {
      img = document.createElement("img");
      img.className = "live-img";
      img.hidden = true;
      pages.appendChild(img);
    }
    return img;
  }
  function show() {
    var handout = pick("handout"), last = pick("lang");
    if (!handout || !last) { return; }
    var langs = [last].concat(ticked("lang").filter(function (l) { return l !== last; })).slice(0, MOST);
    var size = ticked("size")[0];
    var query = size ? "?size=" + encodeURIComponent(size.value) : "";
    var all = pages.querySelectorAll("img.live-img");
    for (var k = langs.length; k < all.length; k++) { all[k].hidden = true; all[k].removeAttribute("src"); }
    status.textContent = words("data-making", handout, last);
    langs.forEach(function (lang, index) {
      var img = picture(index);
      var src = box.getAttribute("data-base") + "/" + encodeURIComponent(handout.value) + "/" +
        encodeURIComponent(lang.value) + ".png" + query;
      img.onload = function () {
        img.hidden = false;
        img.alt = words("data-done", handout, lang);
        if (index === 0) { status.textContent = img.alt; }
      };
      img.onerror = function () { img.hidden = true; if (index === 0) { status.textContent = box.getAttribute("data-busy"); } };
      if (img.getAttribute("src") !== src) { img.src = src; } else if (index === 0) { status.textContent = img.alt; }
    });
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || (input.name !== "handout" && input.name !== "lang" && input.name !== "size")) { return; }
    if (input.checked && input.name !== "size") { chosen[input.name] = input; }
    window.clearTimeout(timer);
    timer = window.setTimeout(show, 400);
  });
  show();
}());
