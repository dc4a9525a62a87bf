// Package e2e holds devlogs' end-to-end tests: the built plugin driven
// through the docker CLI against the real Docker Engine and real Compose v2
// projects, whose containers run the test log generator. The stored log
// (`docker logs -t`) and the generator's sequence numbers are the oracle.
//
// In CI (CI=true) a missing engine or Compose fails the tests; elsewhere it
// skips them. DEVLOGS_LONG=1 runs the long versions of the reliability
// scenarios.
package e2e
