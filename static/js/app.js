// Small behaviours that the Content-Security-Policy forbids writing inline.
(function () {
  "use strict";

  // Searchable pickers (Tom Select): <select data-picker="/pick/units/?level=township">.
  // The page carries only the chosen value; the rest is asked of the scoped endpoint as the
  // clerk types (name, code or pinyin initials). Keyboard: type, arrows, Enter; Backspace
  // removes. On a phone the dropdown is the width of the field (see app.css).
  function initPicker(el) {
    if (el.tomselect || typeof TomSelect === "undefined") { return; }
    var url = el.getAttribute("data-picker");
    var multiple = el.multiple;
    var asked = 0;  // the latest search sent: an older answer arriving late is dropped
    var picker = new TomSelect(el, {
      valueField: "value",
      labelField: "text",
      searchField: [],  // the server has already matched name, code and initials
      maxOptions: 50,
      loadThrottle: 250,
      preload: "focus",
      placeholder: el.getAttribute("data-placeholder") || "",
      allowEmptyOption: !multiple,
      plugins: multiple ? ["remove_button"] : [],
      closeAfterSelect: !multiple,
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var sep = url.indexOf("?") === -1 ? "?" : "&";
        var mine = ++asked;
        fetch(url + sep + "q=" + encodeURIComponent(query), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            // On a slow line the answer to "" (the list on focus) can arrive after the answer
            // to what was typed: it must not replace that list or reopen it.
            if (mine !== asked) { callback(); return; }
            this.clearOptions(); callback(data.results);
            // An answer to a search typed before the clerk moved on (a throttled search sent
            // after the choice) must not open the list over the field they are in now.
            if (!this.isFocused) { this.close(); }
          }.bind(this))
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          return "<div class=\"pick-option\"><span class=\"pick-text\">" + escape(item.text) +
            "</span>" + (item.detail ? "<small class=\"pick-detail\">" + escape(item.detail) +
            "</small>" : "") + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () {
          return "<div class=\"no-results\">" + (el.getAttribute("data-none") || "—") + "</div>";
        }
      },
      onChange: function () {
        // Filter forms submit on change (HTMX listens for it on the form).
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    // The original <select> stays in the form, visually hidden; Tom Select's control (which
    // the label now names) is what people use, so the select leaves the accessibility tree
    // (WCAG 4.1.2: otherwise it is an unnamed select to a screen reader).
    el.setAttribute("aria-hidden", "true");
    el.setAttribute("tabindex", "-1");
    if (picker.control_input && !picker.control_input.getAttribute("aria-label")) {
      var label = el.id ? document.querySelector('label[for="' + picker.control_input.id + '"]') : null;
      if (!label && el.labels && el.labels.length) { label = el.labels[0]; }
      if (label) { picker.control_input.setAttribute("aria-label", label.textContent.trim()); }
    }
  }

  // Text fields with a maximum length show how much is left.
  function initCounter(el) {
    if (el.dataset.counted) { return; }
    el.dataset.counted = "1";
    var max = parseInt(el.getAttribute("maxlength"), 10);
    var out = document.createElement("small");
    out.className = "counter";
    out.setAttribute("aria-live", "polite");
    function update() {
      out.textContent = el.value.length + " / " + max;
      out.classList.toggle("full", el.value.length >= max);
    }
    el.addEventListener("input", update);
    el.insertAdjacentElement("afterend", out);
    update();
  }

  function init(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    root.querySelectorAll("select[data-picker]").forEach(initPicker);
    root.querySelectorAll(".field input[maxlength], .field textarea[maxlength]").forEach(initCounter);
    // A form being sent cannot be sent twice: its buttons wait for the answer.
    root.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
            b.disabled = true;
            b.classList.add("sending");
          });
        }, 0);
      });
    });
    // Links and buttons that ask before they act (e.g. a test dated before the finding).
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  }

  // WCAG 3.3.1: after a refused submit, focus goes to the summary of errors (which links to
  // each field), not to the top of the page.
  function focusErrors(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) { summary.focus(); return; }
    var field = root.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (field) { field.focus(); }
  }

  var toggle = null;
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    focusErrors(document);
    toggle = document.querySelector(".menu-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = document.body.classList.toggle("nav-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      // WCAG 2.1.1: Escape closes the open menu and returns focus to its button.
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
          document.body.classList.remove("nav-open");
          toggle.setAttribute("aria-expanded", "false");
          toggle.focus();
        }
      });
    }
  });
  // Content swapped in by HTMX (filter results, tree branches, progress) gets the same.
  document.addEventListener("htmx:load", function (ev) { init(ev.target); });
  // Pages restored from the back-forward cache must not keep disabled buttons.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button.sending").forEach(function (b) {
      b.disabled = false; b.classList.remove("sending");
    });
  });
})();
