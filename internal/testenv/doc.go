// Package testenv prepares the real Docker Engine for devlogs' end-to-end
// tests, benchmarks and demo: it checks the engine and Compose v2 (building
// Compose from the Go module proxy when it is missing, cached), builds the
// test log generator into a FROM scratch image (no registry is needed),
// builds and installs the plugin into a private Docker config directory, and
// runs Compose projects with unique names that are removed afterwards.
package testenv
