// Progressive enhancement of the upload form: drag-and-drop onto the file box and a size
// check before sending. Without this script the plain form works the same.
document.querySelectorAll("form.upload").forEach(function (form) {
  var input = form.querySelector("input[type=file]");
  var drop = form.querySelector(".drop");
  var max = parseInt(input.getAttribute("data-max"), 10);
  function tooBig() {
    var file = input.files && input.files[0];
    if (file && max && file.size > max) {
      alert("Tệp quá lớn: tối đa " + Math.round(max / 1048576) + " MB.");
      input.value = "";
      return true;
    }
    return false;
  }
  input.addEventListener("change", tooBig);
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      if (!tooBig()) { form.submit(); }
    }
  });
  form.addEventListener("submit", function (e) { if (tooBig()) { e.preventDefault(); } });
});
