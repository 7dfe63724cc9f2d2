/* The Korea Times demo replica — page behaviour, plain JS (no frameworks).
 * Loaded with `defer`, so it runs once the document is parsed. Everything time-related reads
 * Date.now(), so Playwright's clock API controls it. */
(function () {
  'use strict';
  var doc = document;
  var $ = function (sel, root) { return (root || doc).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); };
  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode */ } },
    del: function (k) { try { window.localStorage.removeItem(k); } catch (e) { /* ignore */ } }
  };
  var KT = window.KT = window.KT || {};
  KT.FONT = { def: 18, step: 2, min: 14, max: 26 };
  KT.TRENDING_KEY = 'kt_trending_closed_until';
  KT.FONT_KEY = 'kt_font_size';
  var DAY_MS = 24 * 60 * 60 * 1000;

  /* ---------- date line: "Mon, February 6, 2023 | 21:47", Asia/Seoul (UTC+9, no DST) ---------- */
  var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  KT.formatDateLine = function (ms) {
    var d = new Date(ms + 9 * 3600 * 1000);
    return DAYS[d.getUTCDay()] + ', ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCDate() + ', ' +
      d.getUTCFullYear() + ' | ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  };
  function updateDateLine(now) {
    var el = $('#date_line');
    if (!el) return;
    var text = KT.formatDateLine(now);
    if (el.textContent !== text) el.textContent = text;
  }

  /* ---------- trending: ranking rotates by one place every 60 s of Date.now() ---------- */
  var trendingStories = null, trendingSeed = 0;
  (function () {
    var data = $('#trending_data');
    if (!data) return;
    try { trendingStories = JSON.parse(data.textContent); } catch (e) { trendingStories = null; }
    trendingSeed = Math.floor(Number(data.getAttribute('data-seed-clock')) / 60000) || 0;
  })();
  KT.trendingOffset = function (ms) {
    var n = trendingStories ? trendingStories.length : 20;
    var k = (Math.floor(ms / 60000) - trendingSeed) % n;
    return k < 0 ? k + n : k;
  };
  var lastOffset = null;
  function renderTrending(now) {
    if (!trendingStories || !trendingStories.length) return;
    var off = KT.trendingOffset(now);
    if (off === lastOffset) return;
    lastOffset = off;
    $$('#trending .trending_item').forEach(function (li, i) {
      var s = trendingStories[(i + off) % trendingStories.length];
      var a = $('a', li);
      if (!a || !s) return;
      a.setAttribute('href', s.href);
      a.textContent = '';
      if (s.tag) {
        var tag = doc.createElement('span');
        tag.className = 'tag';
        tag.textContent = s.tag;
        a.appendChild(tag);
      }
      a.appendChild(doc.createTextNode(s.title));
    });
  }

  function tick() {
    var now = Date.now();
    updateDateLine(now);
    renderTrending(now);
  }

  function initTrending() {
    var box = $('#trending');
    if (!box) return;
    function setClosed(closed) {
      box.classList.remove('no-anim');
      box.classList.toggle('is-closed', closed);
    }
    var until = Number(store.get(KT.TRENDING_KEY));
    if (until && Date.now() < until) {
      box.classList.add('is-closed');
    } else {
      if (until) store.del(KT.TRENDING_KEY);
      box.classList.remove('is-closed');
    }
    box.addEventListener('click', function (e) {
      var t = e.target.closest ? e.target.closest('button') : null;
      if (!t || !box.contains(t)) return;
      if (t.classList.contains('trending_close')) {
        setClosed(true);
      } else if (t.classList.contains('trending_close24')) {
        store.set(KT.TRENDING_KEY, String(Date.now() + DAY_MS));
        setClosed(true);
      } else if (t.classList.contains('trending_open')) {
        store.del(KT.TRENDING_KEY);
        setClosed(false);
      }
    });
  }

  /* ---------- all-menu overlay ---------- */
  function initAllMenu() {
    var menu = $('#all_menu'), btn = $('.btn_allmenu'), close = $('.all_menu_close');
    if (!menu || !btn) return;
    function open() {
      menu.classList.add('is-open');
      menu.setAttribute('aria-hidden', 'false');
      btn.setAttribute('aria-expanded', 'true');
      doc.body.classList.add('menu_open');
      if (close) setTimeout(function () { try { close.focus({ preventScroll: true }); } catch (e) { close.focus(); } }, 30);
    }
    function shut() {
      if (!menu.classList.contains('is-open')) return;
      menu.classList.remove('is-open');
      menu.setAttribute('aria-hidden', 'true');
      btn.setAttribute('aria-expanded', 'false');
      doc.body.classList.remove('menu_open');
      try { btn.focus({ preventScroll: true }); } catch (e) { btn.focus(); }
    }
    KT.openAllMenu = open; KT.closeAllMenu = shut;
    btn.addEventListener('click', function () { menu.classList.contains('is-open') ? shut() : open(); });
    if (close) close.addEventListener('click', shut);
    menu.addEventListener('click', function (e) { if (e.target === menu) shut(); });
    doc.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' || e.key === 'Esc') { shut(); closeSearch(); }
    });
  }

  /* ---------- search layer ---------- */
  function closeSearch() {
    var layer = $('#search_layer'), btn = $('.btn_search');
    if (!layer || !layer.classList.contains('is-open')) return;
    layer.classList.remove('is-open');
    if (btn) btn.setAttribute('aria-expanded', 'false');
  }
  function initSearch() {
    var layer = $('#search_layer'), btn = $('.btn_search');
    if (!layer || !btn) return;
    btn.addEventListener('click', function () {
      if (layer.classList.contains('is-open')) { closeSearch(); return; }
      layer.classList.add('is-open');
      btn.setAttribute('aria-expanded', 'true');
      var input = $('input[name=kwd]', layer);
      if (input) input.focus();
    });
    var c = $('.search_close', layer);
    if (c) c.addEventListener('click', closeSearch);
    var form = $('form', layer);
    if (form) form.addEventListener('submit', function (e) {
      var input = $('input[name=kwd]', form);
      if (input && !input.value.trim()) { e.preventDefault(); input.focus(); }
    });
  }

  /* ---------- font size ---------- */
  function clampFont(v) {
    var F = KT.FONT;
    v = parseInt(v, 10);
    if (!isFinite(v)) return F.def;
    return Math.max(F.min, Math.min(F.max, v));
  }
  function initFontControls() {
    var body = $('#startts');
    if (!body) return;
    var size = clampFont(store.get(KT.FONT_KEY) || KT.FONT.def);
    function apply(v) {
      size = clampFont(v);
      body.style.fontSize = size + 'px';
    }
    apply(size);
    KT.fontSize = function () { return size; };
    var up = $('.btn_font_up'), down = $('.btn_font_down');
    function change(delta) {
      var next = clampFont(size + delta);
      if (next === size) return;
      apply(next);
      store.set(KT.FONT_KEY, String(size));
    }
    if (up) up.addEventListener('click', function () { change(KT.FONT.step); });
    if (down) down.addEventListener('click', function () { change(-KT.FONT.step); });
  }

  /* ---------- print preview ---------- */
  function initPrint() {
    var btn = $('.btn_print');
    if (!btn) return;
    btn.addEventListener('click', function () {
      var url = btn.getAttribute('data-print-url') || (location.pathname + '?print=1');
      window.open(url, 'print', 'width=800,height=900');
    });
  }

  /* ---------- share bar ---------- */
  KT.canonicalUrl = function () {
    var link = $('link[rel=canonical]');
    return (link && link.href) || (location.origin + location.pathname);
  };
  KT.shareTitle = function () {
    var h = $('.view_headline h1');
    return h ? h.textContent.trim() : doc.title;
  };
  function initShare() {
    var area = $('.sns_area');
    if (!area) return;
    var U = encodeURIComponent(KT.canonicalUrl()), T = encodeURIComponent(KT.shareTitle());
    $$('a[data-share-template]', area).forEach(function (a) {
      a.setAttribute('href', a.getAttribute('data-share-template').split('{U}').join(U).split('{T}').join(T));
    });
    var btn = $('.sns_link', area);
    if (btn) btn.addEventListener('click', function () { copyLink(KT.canonicalUrl()); });
  }
  var toastTimer = null;
  function showToast(text) {
    var t = $('#copy_toast');
    if (!t) return;
    t.textContent = text;
    t.classList.add('is-visible');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.classList.remove('is-visible'); t.textContent = ''; }, 2000);
  }
  function fallbackCopy(text) {
    var ta = doc.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed'; ta.style.top = '0'; ta.style.left = '-9999px'; ta.style.opacity = '0';
    doc.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
    doc.body.removeChild(ta);
    return ok;
  }
  function copyLink(text) {
    var done = function () { showToast('Link copied'); };
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext !== false) {
      navigator.clipboard.writeText(text).then(done, function () { if (fallbackCopy(text)) done(); });
    } else if (fallbackCopy(text)) {
      done();
    }
  }
  KT.copyLink = copyLink;

  /* ---------- third-party scripts: injected after load, never awaited ---------- */
  function injectThirdParty() {
    window.dataLayer = window.dataLayer || [];
    window.gtag = window.gtag || function () { window.dataLayer.push(arguments); };
    window.gtag('js', new Date(Date.now()));
    window.gtag('config', 'G-DEMO');
    ['https://www.googletagmanager.com/gtag/js?id=G-DEMO',
     'https://developers.kakao.com/sdk/js/kakao.min.js'].forEach(function (src) {
      var s = doc.createElement('script');
      s.async = true;
      s.src = src;
      s.onerror = function () { if (s.parentNode) s.parentNode.removeChild(s); };
      doc.head.appendChild(s);
    });
  }

  function init() {
    tick();
    setInterval(tick, 1000);
    initTrending();
    initAllMenu();
    initSearch();
    initFontControls();
    initPrint();
    initShare();
    if (doc.readyState === 'complete') setTimeout(injectThirdParty, 0);
    else window.addEventListener('load', function () { setTimeout(injectThirdParty, 0); });
  }
  init();
})();
