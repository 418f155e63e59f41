/*
 * Part of shim.c (included once, there): telling a crash in plugin code from a crash of Bun
 * (docs/decisions/0010). Every shim function that calls plugin code marks the call with
 * enter()/leave(); a fault during a marked call, on its thread, is reported as the plugin's on
 * stderr, then the process ends as the signal would have ended it. Other faults go on to the
 * handlers that were there before (Bun's crash report, JavaScriptCore's own faults).
 */
#ifndef MEMFLOW_TS_CRASH_GUARD_H
#define MEMFLOW_TS_CRASH_GUARD_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* The plugin call in progress: which plugin (`who`, text the host wrote, already escaped for a
   terminal, or null), which call, on which thread. One at a time: a plugin never calls back
   into these functions, and the host calls plugins from one thread. */
static volatile sig_atomic_t call_active;
static const char *volatile call_who;
static const char *volatile call_what;
static pthread_t call_thread;

static void enter(const char *who, const char *what) {
  call_who = who;
  call_what = what;
  call_thread = pthread_self();
  call_active = 1;
}

static void leave(void) { call_active = 0; }

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
static const char *const fault_names[] = { "SIGSEGV, an invalid memory access", "SIGBUS, a bus error",
                                           "SIGILL, an illegal instruction", "SIGFPE, an arithmetic fault",
                                           "SIGABRT, it aborted" };
#define FAULTS (sizeof fault_signals / sizeof fault_signals[0])
static struct sigaction previous_actions[FAULTS];
static bool guard_installed;

/* write(2) alone: the only output that is safe in a signal handler. */
static void say(const char *text) {
  size_t length = text ? strlen(text) : 0;
  while (length > 0) {
    ssize_t written = write(2, text, length);
    if (written <= 0) return;
    text += written;
    length -= (size_t)written;
  }
}

/* A fault on the thread that is in a plugin call is the plugin's: say so and end as the signal
   would have (Bun's handler would call it a bug in Bun). Any other fault goes to whoever handled
   it before (Bun's crash report, JavaScriptCore's own faults). */
static void on_fault(int signal_number, siginfo_t *info, void *context) {
  size_t index = 0;
  while (index + 1 < FAULTS && fault_signals[index] != signal_number) index++;
  if (call_active && pthread_equal(call_thread, pthread_self())) {
    call_active = 0;
    say("\n[X] the plugin ");
    say(call_who ? call_who : "(unnamed)");
    say(" crashed in its ");
    say(call_what);
    say(": ");
    say(fault_names[index]);
    say("\n    This is a bug in the plugin, not in memflow-ts or Bun: report it to the plugin's author.\n");
    signal(signal_number, SIG_DFL);
    raise(signal_number);
    return;
  }
  struct sigaction *previous = &previous_actions[index];
  if ((previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction) {
    previous->sa_sigaction(signal_number, info, context);
  } else if (!(previous->sa_flags & SA_SIGINFO) && previous->sa_handler != SIG_DFL &&
             previous->sa_handler != SIG_IGN) {
    previous->sa_handler(signal_number);
  } else if (previous->sa_handler != SIG_IGN) {
    signal(signal_number, SIG_DFL);
    raise(signal_number);
  }
}

/* Installs the fault handler once, in front of the ones already there. */
void mf_guard_install(void) {
  if (guard_installed) return;
  guard_installed = true;
  for (size_t index = 0; index < FAULTS; index++) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(fault_signals[index], &action, &previous_actions[index]);
  }
}

#endif
