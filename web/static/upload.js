// Upload progress for forms marked data-progress: the form is sent with
// XMLHttpRequest so that a progress bar can show how much of a large file
// has gone. Without this script (or without XMLHttpRequest) the form is
// posted as usual; the server answers both the same way.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData) {
    return;
  }
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var box = form.querySelector(".progress");
    var bar = box && box.querySelector("progress");
    var said = box && box.querySelector("[aria-live]");
    if (!bar) {
      return;
    }
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files || file.files.length === 0) {
        return; // nothing large to send: post as usual
      }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
      }
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          bar.value = pct;
          said.textContent = pct + " %";
        }
      });
      xhr.addEventListener("load", function () {
        var answered = xhr.responseURL && xhr.responseURL !== form.action;
        if (xhr.status === 200 && answered) {
          window.location.assign(xhr.responseURL); // the page the server sent us to
          return;
        }
        // The form again, with its errors: show it as the page.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = doc.title;
        document.body.replaceWith(document.adoptNode(doc.body));
        var summary = document.querySelector(".error-summary a, .error-summary");
        if (summary) {
          summary.focus();
        }
      });
      xhr.addEventListener("error", function () {
        form.submit(); // try the plain way
      });
      xhr.send(new FormData(form));
    });
  });
})();
