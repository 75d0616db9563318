/* SPDX-License-Identifier: MIT */
/* Cross-file internals of the dialtone library (not installed): the topic headers, in the
 * order of the library's layers. A file may include just the topics it uses. */
#ifndef DIALTONE_INTERNAL_H
#define DIALTONE_INTERNAL_H

#include "core.h"
#include "coverage.h"
#include "diff.h"
#include "geo.h"
#include "map.h"
#include "money.h"
#include "options.h"
#include "plan.h"
#include "provenance.h"
#include "read.h"
#include "report.h"
#include "requests.h"
#include "run.h"
#include "stats.h"
#include "tables.h"
#include "write.h"

#endif
