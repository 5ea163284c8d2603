// The framework picker answers as one types: the search form's results
// are fetched (the same page, with q) and put in place of the list. Without
// this script (or without fetch) the form is sent with its button, and the
// page shows the same list.
(function () {
  "use strict";
  var form = document.querySelector("form[data-picker]");
  var out = document.getElementById("fw-results");
  if (!form || !out || !window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }
  var timer = null;
  var last = "";
  function search() {
    var params = new URLSearchParams(new FormData(form)).toString();
    if (params === last) {
      return;
    }
    last = params;
    fetch(form.action + "?" + params, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || params !== last) {
          return;
        }
        var found = new DOMParser().parseFromString(html, "text/html").getElementById("fw-results");
        if (found) {
          out.replaceChildren.apply(out, Array.prototype.slice.call(found.childNodes));
        }
      })
      .catch(function () {});
  }
  form.querySelector("input[name=q]").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  form.querySelector("select").addEventListener("change", search);
})();
