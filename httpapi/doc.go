// Package httpapi serves Parcours over HTTP with chi: the JSON API for
// apps, the pages for people, and the operational endpoints.
package httpapi
