// Package entry defines the values that flow from sources to sinks: one log
// line of one container (Entry), the container it came from (Source), and the
// lifecycle notices a follower reports beside the lines (Notice).
//
// Sources produce them, the pipeline enriches and filters them, sinks render
// them; no sink imports a source or another sink, only this package.
package entry
