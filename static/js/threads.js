/* The thread page: open on the newest messages, follow new ones while the reader is at the
   bottom, name a member from the chips, say which file is chosen. The page works without it
   (htmx polls and loads older messages by itself). */
(function () {
  "use strict";

  var list = document.querySelector("[data-thread-messages]");
  var atBottom = true;

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }
  function toBottom() {
    list.scrollTop = list.scrollHeight;
  }

  if (list) {
    // Deferred: the document is parsed, the newest message is the last one.
    toBottom();
    list.addEventListener("scroll", function () {
      atBottom = nearBottom();
    });
    document.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.elt && event.detail.elt.id === "poller" && atBottom) {
        toBottom();
      }
    });
  }

  // « @Prénom Nom » at the cursor.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-mention]");
    if (!chip) {
      return;
    }
    var box = chip.form && chip.form.querySelector("textarea");
    if (!box) {
      return;
    }
    var text = "@" + chip.getAttribute("data-mention") + " ";
    var start = box.selectionStart || box.value.length;
    var end = box.selectionEnd || start;
    var before = box.value.slice(0, start);
    if (before && !/\s$/.test(before)) {
      text = " " + text;
    }
    box.value = before + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = before.length + text.length;
  });

  // The chosen files, named beside the buttons.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".composer input[type=file]")) {
      return;
    }
    var form = input.form;
    var shown = form.querySelector("[data-chosen]");
    if (!shown) {
      return;
    }
    var names = [];
    form.querySelectorAll("input[type=file]").forEach(function (field) {
      Array.prototype.forEach.call(field.files || [], function (file) {
        names.push(file.name);
      });
    });
    shown.textContent = names.join(", ");
  });
})();
