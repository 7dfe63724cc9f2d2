/* Print view: print once, after the page (images) and its web fonts have loaded. */
(function () {
  'use strict';
  var printed = false;
  function go() {
    if (printed) return;
    printed = true;
    window.print();
  }
  function whenFontsReady() {
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(go, go);
    else go();
  }
  if (document.readyState === 'complete') whenFontsReady();
  else window.addEventListener('load', whenFontsReady);
})();
