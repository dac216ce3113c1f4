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
