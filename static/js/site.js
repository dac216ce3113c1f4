// Turns the "Menu" link into a button that folds the menu on small screens,
// and gives each menu section a button of its own. Without this script the
// "Menu" link opens the whole menu (CSS :target) and every link shows.
(function () {
  var nav = document.querySelector(".main-nav");
  if (!nav) return;
  var menuToggle = nav.querySelector(".menu-toggle");
  var toggles = Array.prototype.slice.call(nav.querySelectorAll(".submenu-toggle"));

  function setOpen(control, open) {
    control.setAttribute("aria-expanded", String(open));
    var target = document.getElementById(control.getAttribute("aria-controls"));
    if (target) target.classList.toggle("is-open", open);
  }
  function isOpen(control) {
    return control.getAttribute("aria-expanded") === "true";
  }

  if (menuToggle) {
    menuToggle.setAttribute("role", "button");
    setOpen(menuToggle, false);
    menuToggle.addEventListener("click", function (event) {
      event.preventDefault();
      setOpen(menuToggle, !isOpen(menuToggle));
    });
    menuToggle.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        setOpen(menuToggle, !isOpen(menuToggle));
      }
    });
  }

  toggles.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = !isOpen(button);
      toggles.forEach(function (other) {
        if (other !== button) setOpen(other, false);
      });
      setOpen(button, open);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var openToggle = toggles.filter(isOpen)[0];
    if (openToggle) {
      setOpen(openToggle, false);
      openToggle.focus();
    } else if (menuToggle && isOpen(menuToggle)) {
      setOpen(menuToggle, false);
      menuToggle.focus();
    }
  });
})();

// "Print this page" buttons stay hidden until this script can print; without
// it the browser's own Print (and ?print=1) give the same sheet.
(function () {
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// Site search suggestions (sitesearch/): the header's search box offers page
// titles as you type, as a WAI-ARIA combobox with a listbox. Without this
// script the box is the plain search form it always was.
(function () {
  var input = document.getElementById("site-search");
  var source = input && input.getAttribute("data-suggest-url");
  if (!source || !window.fetch) return;
  var list = document.createElement("ul");
  var status = document.createElement("div");
  var items = [];
  var active = -1;
  var timer = null;
  var asked = "";
  list.id = "site-search-suggestions";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.form.appendChild(list);
  input.form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");

  function choose(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (option, i) {
      option.setAttribute("aria-selected", String(i === index));
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
    } else {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    }
  }
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    choose(-1);
    asked = "";
  }
  function show(found) {
    items = found;
    list.textContent = "";
    found.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.textContent = item.title;
      if (item.alias) {
        var alias = document.createElement("span");
        alias.className = "search-suggestions__alias";
        alias.textContent = " (" + item.alias + ")";
        option.appendChild(alias);
      }
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keeps the focus in the box
        window.location.href = item.url;
      });
      list.appendChild(option);
    });
    var open = found.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    choose(-1);
    status.textContent = open
      ? found.length + (found.length === 1 ? " suggestion" : " suggestions") +
        ": use the up and down arrows to choose one."
      : "";
  }
  function lookup() {
    var typed = input.value.trim();
    if (typed.length < 2) return close();
    if (typed === asked) return;
    asked = typed;
    fetch(source + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        if (input.value.trim() === typed) show(data.suggestions || []);
      })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", function (event) {
    var count = list.hidden ? 0 : items.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      choose((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      choose(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && count) {
      event.preventDefault();
      window.location.href = items[active].url;
    } else if (event.key === "Escape" && count) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
})();

// The insurance plans' filter narrows the list as the patient types; without
// this script it is a plain GET form (?plan=aetna) the server answers.
(function () {
  var input = document.getElementById("plan-filter");
  if (!input) return;
  var section = input.closest(".plans");
  var status = section.querySelector("[data-plans-status]");
  var groups = Array.prototype.slice.call(section.querySelectorAll("[data-plans-carrier]"));
  var timer;
  function narrow() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (group) {
      var any = false;
      Array.prototype.forEach.call(group.querySelectorAll("[data-plan]"), function (item) {
        var text = item.getAttribute("data-plan").toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) { any = true; shown += 1; }
      });
      group.hidden = !any;
    });
    status.textContent = !words.length ? "" : shown === 0
      ? "No plan matches “" + input.value.trim() + "”. Plans change: please call us to ask."
      : shown + (shown === 1 ? " plan matches." : " plans match.");
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(narrow, 150);
  });
})();
