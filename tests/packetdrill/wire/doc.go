// Package wire is the packetdrill runner's wire side: it turns chunk specs
// of the script AST into SCTP bytes for injected packets (Encode), turns the
// bytes the stack sends back into fully populated chunk specs (Decode), and
// compares an expected spec with a decoded one field by field (Match).
//
// Decoding into the same AST the parser produces means one printer shows
// both sides of a mismatch, and one comparison handles every chunk,
// parameter and cause keyword of the nplab grammar. Translation between
// the script's and the stack's tags and TSNs (translate.go) also works on
// the AST, before encoding and after decoding.
package wire
