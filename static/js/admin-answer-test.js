/*
 * The exercise page in the admin: show only the answer-test fields that apply. The fieldsets
 * "Answer test: expressions" and "Answer test: numbers" follow the Kind; "Required form" shows
 * with the tests "in a required form" and "Antiderivative", "Variable of integration" with
 * "Antiderivative". Without JavaScript every field shows (and the server ignores the fields of
 * another kind). A field with an error always shows.
 */
(function () {
  "use strict";

  function show(element, visible) {
    if (element) {
      element.style.display = visible || element.classList.contains("errors") ? "" : "none";
    }
  }

  function rowOf(name) {
    var field = document.querySelector(".field-" + name);
    return field && field.closest(".form-row") ? field.closest(".form-row") : field;
  }

  function chosenTest() {
    var chosen = document.querySelector("input[name='answer_test']:checked");
    return chosen ? chosen.value : "equivalent";
  }

  function setUp() {
    var kind = document.getElementById("id_kind");
    if (!kind) {
      return;
    }
    function update() {
      document.querySelectorAll("fieldset.answer-test").forEach(function (group) {
        var wanted = group.classList.contains("answer-test--" + kind.value);
        group.style.display = wanted || group.querySelector(".errorlist") ? "" : "none";
      });
      show(rowOf("required_forms"), chosenTest() !== "equivalent");
      show(rowOf("variable_of_integration"), chosenTest() === "antiderivative");
    }
    kind.addEventListener("change", update);
    document.querySelectorAll("input[name='answer_test']").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
