// Package e2e holds the browser tests of the pages: the whole service runs
// in the test process over a real data directory seeded with the demo
// (package demo), and headless Chromium (Debian's chromium package),
// driven with chromedp, plays the people: a beneficiary, a recruiter, a
// counsellor, tutors. The tests also check the basics of accessibility on
// every main page and save screenshots of them, phone-sized and
// desktop-sized, in $PARCOURS_ARTIFACTS.
//
// Without Chromium the tests skip, unless CI=true, where they fail.
// PARCOURS_CHROMIUM names the browser if it is not chromium on the PATH.
package e2e
