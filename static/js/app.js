// Small behaviours that the Content-Security-Policy forbids writing inline.
(function () {
  "use strict";
  function init(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    var toggle = root.querySelector(".menu-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = document.body.classList.toggle("nav-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
