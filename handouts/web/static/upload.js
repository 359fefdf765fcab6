// A file over its limit is refused as soon as it is chosen, beside its field,
// so the rest of the form is kept (the server refuses it too, without this).
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type='file'][data-max-bytes]");
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("change", function (event) {
      var input = event.target, max = parseInt(input.getAttribute("data-max-bytes"), 10);
      var note = document.getElementById(input.id + "-size");
      var file = input.files && input.files[0];
      if (file && file.size > max) {
        note.textContent = input.getAttribute("data-too-large").replace("{size}", (file.size / 1e6).toFixed(1));
        note.hidden = false;
        input.value = "";
        input.setAttribute("aria-invalid", "true");
      } else {
        note.hidden = true;
        input.removeAttribute("aria-invalid");
      }
    });
  }
})();
