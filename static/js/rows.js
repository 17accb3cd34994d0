/* Lab Parcours — "add a row" to a table of a contribution form (templates/partials/rows.html)
   without posting the form back: the last row is copied, emptied and renumbered. Without
   this file the button posts the form, which comes back with one more row. */
(function () {
  "use strict";

  function renumber(element, index) {
    ["name", "id", "for"].forEach(function (attribute) {
      var value = element.getAttribute(attribute);
      if (value) {
        element.setAttribute(attribute, value.replace(/_\d+_/, "_" + index + "_"));
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) {
      return;
    }
    var table = document.getElementById(button.getAttribute("data-add-row"));
    var body = table && table.tBodies[0];
    var last = body && body.rows[body.rows.length - 1];
    if (!last) {
      return;
    }
    event.preventDefault();
    var index = body.rows.length; // rows are numbered from 0, without gaps
    var row = last.cloneNode(true);
    row.querySelectorAll(".errorlist").forEach(function (list) { list.remove(); });
    row.querySelectorAll(".field--error").forEach(function (cell) { cell.classList.remove("field--error"); });
    row.querySelectorAll("label").forEach(function (label) {
      renumber(label, index);
      // "Dose — Medication 3": the row's number ends each label.
      label.textContent = label.textContent.replace(/\d+$/, String(index + 1));
    });
    row.querySelectorAll("input, select, textarea").forEach(function (input) {
      renumber(input, index);
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      if (input.tagName === "SELECT") {
        input.selectedIndex = 0;
      } else {
        input.value = "";
      }
    });
    body.appendChild(row);
    var first = row.querySelector("input, select");
    if (first) {
      first.focus();
    }
  });
})();
