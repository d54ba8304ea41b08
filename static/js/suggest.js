// Search box suggestions as an accessible combobox (WAI-ARIA 1.2 list autocomplete).
// Without JavaScript the box is a plain GET form to /search/.
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("[role=combobox]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[data-suggest-status]");
    var url = form.getAttribute("data-suggest-url");
    var items = [];
    var active = -1;
    var latest = 0;
    var timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function select(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = s.name;
        li.appendChild(name);
        var detail = document.createElement("span");
        detail.className = "muted";
        detail.textContent = s.category + (s.best ? " · " + s.best.kind + ": " + s.best.value : "");
        li.appendChild(detail);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.href = s.url;
        });
        list.appendChild(li);
      });
      var open = suggestions.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      status.textContent = open
        ? suggestions.length + " suggestion" + (suggestions.length === 1 ? "" : "s") + " available."
        : "";
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < 2) {
        render([]);
        return;
      }
      var ticket = ++latest;
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (ticket === latest) render(data.suggestions || []);
        })
        .catch(function () { render([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        if (!open) { fetchSuggestions(); return; }
        event.preventDefault();
        select((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        select(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].url;
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else { input.value = ""; }
      }
    });

    input.addEventListener("blur", close);
  }

  document.querySelectorAll("form[data-suggest-url]").forEach(setup);
})();
