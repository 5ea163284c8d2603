// A "copy" button next to a share link: shown only when the browser can
// copy; the link stays selectable by hand either way.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var said = document.querySelector(".copied");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    field.addEventListener("focus", function () {
      field.select();
    });
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (said) {
          said.textContent = button.getAttribute("data-done") || "✓";
        }
      });
    });
  });
})();
