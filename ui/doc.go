// Package ui serves a tracker as a local web dashboard (`kxrun ui`): the
// runs table with filters and groups by configuration, a run's page (with
// its log, arrays and submission files), runs side by side, each sweep's
// gains, CV against the leaderboard, and the progress of running sweeps,
// updated live. With edits allowed, a run's LB score and notes can be set
// and the run archived from its page.
//
// Everything is in the binary: templates, CSS and a little JavaScript are
// embedded, and figures are SVG drawn on the server by the plots package.
// runs.csv is read once and then followed (see state): a request never
// reads it. The numbers come from the study and report packages, the same
// code as the command line's.
//
// Safety: the server answers only requests whose Host is the address it
// is bound to (no DNS rebinding), requires a token when bound to another
// interface than loopback, is read-only unless edits are allowed (and
// then requires a per-process CSRF token on every POST), serves no file
// outside the tracker, and escapes everything it shows (html/template,
// and a content security policy that allows no inline script).
package ui
