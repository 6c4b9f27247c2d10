// Package tasks holds, as tests, the first tasks a user does with the
// generated clients: list Auth0 users by email, create one, update its
// app_metadata, assign it roles, page through every user, delete one;
// process an Authlete authorization request and issue its response; read
// the organizations of the current Zaikio person. Each task is written
// once, as a user would write it, in the function named after it, and runs
// against a loopback server that checks every request it receives.
package tasks
