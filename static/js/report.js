// "Did this work?" answers where the visitor tapped. Without this script the form still posts
// and the page comes back with the thank-you message at the top.
(function () {
  "use strict";
  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  document.querySelectorAll("form.report-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!window.fetch || !button || form.dataset.plain) return;  // the plain form post does the work
      event.preventDefault();
      var data = new FormData(form);
      data.append(button.name, button.value);
      form.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrfToken(form)}
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (answer) {
        var note = document.createElement("p");
        note.className = "report-answer" + (answer.ok ? "" : " report-answer-error");
        note.setAttribute("role", "status");
        note.textContent = answer.message;
        form.replaceWith(note);
      }).catch(function () {
        form.removeAttribute("aria-busy");
        form.dataset.plain = "1";
        form.requestSubmit(button);  // let the server answer the ordinary way
      });
    });
  });
})();
