// Small enhancements only: every page works without JavaScript.
if (window.GOVUKFrontend) { window.GOVUKFrontend.initAll(); }
if (window.MOJFrontend) { window.MOJFrontend.initAll(); }

// The print view (partners/printing.py) opens the browser's print dialog once, when it has loaded; its
// "Print again" button (hidden without JavaScript, when the browser's own Print does the same) opens it again.
var printView = document.querySelector('[data-app-print="on-load"]');
if (printView) {
  var printButton = document.querySelector('[data-app-print-button]');
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener('click', function () { window.print(); });
  }
  if (document.readyState === 'complete') { window.print(); } else { window.addEventListener('load', function () { window.print(); }); }
}
