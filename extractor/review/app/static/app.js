// litextract reviewer app: keyboard shortcuts and quoting a selection. No inline script
// (the pages forbid it); everything here reads data- attributes and element ids.
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function focusCorrect() {
    var box = document.getElementById("correct-box");
    if (!box) return;
    var first = box.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
      if (first.select) first.select();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var ws = document.getElementById("workspace");
    if (!ws) return;
    var key = event.key;
    if (key === "a") {
      var accept = document.getElementById("act-accept");
      if (accept) { event.preventDefault(); accept.click(); }
    } else if (key === "c") {
      event.preventDefault();
      focusCorrect();
    } else if (key === "j" && ws.dataset.next) {
      window.location.href = ws.dataset.next;
    } else if (key === "k" && ws.dataset.prev) {
      window.location.href = ws.dataset.prev;
    } else if (key === "/") {
      var search = document.getElementById("search");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });

  // The page opens scrolled to its highlight (a search hit if searching, else the first
  // quote): the paper column scrolls on its own, so the form beside it stays in view.
  function showHighlight() {
    var paper = document.querySelector("section.paper");
    var mark = document.querySelector("svg.marks rect.hit") ||
      document.querySelector("svg.marks rect.quote");
    if (!paper || !mark || paper.scrollHeight <= paper.clientHeight) return;
    var box = mark.getBoundingClientRect();
    var area = paper.getBoundingClientRect();
    if (box.top >= area.top && box.bottom <= area.bottom) return;  // already in view
    paper.scrollTop += box.top - area.top - paper.clientHeight / 3;
  }

  // Enter in the correction box saves the correction (not the first button, Accept).
  document.addEventListener("DOMContentLoaded", function () {
    showHighlight();
    var image = document.getElementById("page-image");
    if (image && !image.complete) image.addEventListener("load", showHighlight);
    var box = document.getElementById("correct-box");
    var save = document.getElementById("act-correct");
    if (box && save) {
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && event.target.tagName !== "TEXTAREA") {
          event.preventDefault();
          save.click();
        }
      });
    }
    // A selection on the page (its invisible text layer) or in the page text is the quote.
    var quote = document.getElementById("quote");
    var page = document.getElementById("quote-page");
    ["text-layer", "page-text"].forEach(function (id) {
      var source = document.getElementById(id);
      if (!source || !quote) return;
      source.addEventListener("mouseup", function () {
        var chosen = String(window.getSelection() || "").replace(/\s+/g, " ").trim();
        if (chosen.length > 1) {
          quote.value = chosen;
          if (page) page.value = source.dataset.page || "";
          quote.classList.add("filled");
        }
      });
    });
  });
})();
