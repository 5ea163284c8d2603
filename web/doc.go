// Package web serves the pages people use: server-rendered HTML from
// embedded templates, plain forms that work without JavaScript, French
// first and English available (?lang=, a switch that sets a cookie, then
// Accept-Language). Every write goes through the same commands and
// authorization as the JSON API; there is no second path.
package web
