/*
 * safer's subcommands. main.c holds the table {name, fn, summary}; each fn
 * gets argc/argv with argv[0] being the subcommand's name and returns the exit
 * code: 0 success, 1 failure, 2 usage. Each accepts -h/--help.
 */
#ifndef SAFER_CLIENT_CMDS_H
#define SAFER_CLIENT_CMDS_H

int cmd_enrol(int argc, char **argv);
int cmd_whoami(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_admin(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_group(int argc, char **argv);
int cmd_meeting(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_returns(int argc, char **argv);
int cmd_action(int argc, char **argv);
int cmd_attendance(int argc, char **argv);
int cmd_minutes(int argc, char **argv);
int cmd_pack(int argc, char **argv);

#endif
