/* Lab Parcours — small progressive enhancements. Everything works without this file except
   htmx requests, which need the CSRF header set here (CSP forbids inline scripts). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx: send Django's CSRF token with every request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // Dismissible alerts: <button data-dismiss="alert"> inside an .alert.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss='alert']");
    if (!button) {
      return;
    }
    var alert = button.closest(".alert");
    if (alert) {
      var container = alert.parentElement;
      alert.remove();
      if (container && container.classList.contains("messages") && !container.children.length) {
        container.remove();
      }
      var main = document.getElementById("main");
      if (main) {
        main.focus({ preventScroll: true });
      }
    }
  });

  // Confirmation for plain (non-htmx) forms and buttons: data-confirm="Question?"
  // (htmx elements use hx-confirm instead).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Account menu (<details>): close on Escape or on a click outside.
  function closeMenus(except) {
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.account-menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details.account-menu[open]");
    if (open) {
      open.removeAttribute("open");
      var summary = open.querySelector("summary");
      if (summary) {
        summary.focus();
      }
    }
  });

  // Tables and charts wider than the screen (on a phone) scroll sideways inside their frame
  // (.table-wrap, .chart-scroll): the frame then takes the keyboard focus so that the arrow
  // keys scroll it (WCAG 2.1.1). One that fits adds no stop to the tab order. A chart in time
  // order (data-latest-right) opens on its latest columns, once.
  function keyboardScrollableTables() {
    document.querySelectorAll(".chart-scroll[data-latest-right]:not([data-opened])").forEach(
      function (frame) {
        frame.scrollLeft = frame.scrollWidth;
        frame.setAttribute("data-opened", "");
      }
    );
    document.querySelectorAll(".table-wrap, .chart-scroll").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
      } else {
        wrap.removeAttribute("tabindex");
      }
    });
  }
  var resizing = null;
  document.addEventListener("DOMContentLoaded", keyboardScrollableTables);
  document.addEventListener("htmx:afterSettle", keyboardScrollableTables);
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(keyboardScrollableTables, 150);
  });

  // Print buttons: <button type="button" data-print>.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
