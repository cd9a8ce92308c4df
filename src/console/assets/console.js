// ATP Bench console: progressive enhancement only (every page works without it). Served as a file so the
// Content-Security-Policy can forbid inline scripts.
(function () {
  'use strict';

  // The full report is a same-origin frame: grow it to its content so the page scrolls as one.
  document.querySelectorAll('iframe.report-frame').forEach(function (frame) {
    function fit() {
      try {
        var doc = frame.contentDocument;
        if (doc && doc.documentElement) frame.style.height = doc.documentElement.scrollHeight + 24 + 'px';
      } catch (e) {
        /* not loaded yet */
      }
    }
    frame.addEventListener('load', fit);
    window.addEventListener('resize', fit);
    fit();
  });

  // Live progress of a run over Server-Sent Events; once it has succeeded, reload to show the report.
  var live = document.querySelector('[data-events]');
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute('data-events'));
    var field = function (name) {
      return live.querySelector('[data-field="' + name + '"]');
    };
    var update = function (event) {
      var run = JSON.parse(event.data);
      var status = field('status');
      status.textContent = run.status;
      status.className = 'status ' + run.status;
      field('bar').value = run.progress.percent;
      field('text').textContent = run.progress.done + ' of ' + run.progress.total + ' model calls (' + run.progress.percent + '%)';
      var pause = field('pause');
      var until = run.pausedUntil ? Date.parse(run.pausedUntil) : NaN;
      if (until > Date.now()) {
        // the text of lib/pause.ts pendingPause, in the browser
        pause.textContent = 'The endpoint asked the run to pause (Retry-After) until ' + run.pausedUntil.replace('T', ' ').slice(0, 19) + ' UTC: progress resumes then.';
        pause.hidden = false;
      } else {
        pause.hidden = true;
      }
      live.setAttribute('data-status', run.status);
      return run;
    };
    source.addEventListener('status', update);
    source.addEventListener('progress', update);
    source.addEventListener('end', function (event) {
      var run = update(event);
      source.close();
      live.setAttribute('data-ended', 'true');
      // reload shortly once the run ends, whatever its end: a succeeded run shows its report (stored right after the
      // status flips), a failed or cancelled one its error and end time in the header
      // a page drawn after the run succeeded waits for its report: reload more slowly, so a slow store is no loop
      var waiting = live.getAttribute('data-rendered-status') === 'succeeded';
      setTimeout(function () { window.location.reload(); }, waiting ? 2000 : run.status === 'succeeded' ? 500 : 200);
    });
  }

  // Forms that end something for good ask first (Cancel run, Revoke all links).
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
})();
