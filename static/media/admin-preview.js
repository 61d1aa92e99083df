// Admin upload form: show the chosen image before it is sent (blob: URL, no upload).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-media-preview]")) return;
    var old = input.parentNode.querySelector("img.media-admin-preview");
    if (old) { URL.revokeObjectURL(old.src); old.remove(); }
    var file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type)) return;
    var img = document.createElement("img");
    img.className = "media-admin-preview";
    img.alt = "";
    img.src = URL.createObjectURL(file);
    input.parentNode.appendChild(img);
  });
})();
