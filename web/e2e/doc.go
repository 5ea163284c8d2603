// Package e2e holds the browser tests of the pages: the whole service runs
// in the test process over a real data directory seeded with the demo
// (package demo), and headless Chromium (Debian's chromium package),
// driven with chromedp, plays the people: a beneficiary, a recruiter, a
// counsellor, tutors. They save screenshots of the main pages,
// phone-sized and desktop-sized, in $PARCOURS_ARTIFACTS.
//
// Accessibility is checked with axe-core, the npm package pinned in
// axe/package.json and axe/package-lock.json (`npm ci` there; .ci/run
// does it, and a run outside CI does it when it is missing): checkAxe
// injects it into the page shown and fails on any critical or serious
// violation. TestEveryPageAxe runs it on every GET page route of web
// (Server.GetRoutes), as the person who sees it, in French and in English
// (the language switch), phone- and desktop-sized; a route that is neither
// in its pageVisits nor in notPages fails it, so a new page adds one line
// there.
//
// Without Chromium the tests skip, unless CI=true, where they fail; with
// CI=true a missing axe-core fails them too. PARCOURS_CHROMIUM names the
// browser if it is not chromium on the PATH.
package e2e
