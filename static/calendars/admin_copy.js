// Copy buttons on the event admin page: <button data-copy-target="textarea-id">.
document.addEventListener("click", function (e) {
  var button = e.target.closest("[data-copy-target]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy-target"));
  if (!field) return;
  field.select();
  var done = function () {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied-label") || "Copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(done);
  } else {
    document.execCommand("copy");
    done();
  }
});
