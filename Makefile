# dialtone: plain Makefile. `make`, `make check`, `make install`, `make asan`.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
PKGS = gdal proj libpng cairo

PKG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_LARGEFILE64_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -Iinclude -Ilib $(PKG_CFLAGS) -MMD -MP
LDLIBS = $(PKG_LIBS) -lm -lpthread

LIB_SRC := $(wildcard lib/*.c)
TOOL_SRC := $(wildcard tools/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBRARY := $(BUILD)/libdialtone.a
BIN_DIR ?= bin
DIALTONE := $(BIN_DIR)/dialtone

.SECONDARY:
.PHONY: all check unit cli install uninstall clean asan format sample
all: $(DIALTONE)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBRARY): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(DIALTONE): $(TOOL_OBJ) $(LIBRARY)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJ) $(LIBRARY) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/unit.o $(LIBRARY)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit/unit.o $(LIBRARY) $(LDLIBS)

check: $(DIALTONE) $(UNIT_BIN)
	@bash tests/run_all.sh $(DIALTONE) $(UNIT_BIN)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $$t || fail=1; done; exit $$fail

cli: $(DIALTONE)
	@bash tests/cli/run.sh $(DIALTONE)

# Build and test with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(MAKE) BUILD=build-asan BIN_DIR=build-asan/bin \
	  EXTRA_CFLAGS="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" check

# The bundled sample: the README's first command runs this.
sample: $(DIALTONE)
	@mkdir -p out
	$(DIALTONE) stats --by county --fabric datasets/kansas/fabric.csv \
	  -o out/kansas_county_stats.csv datasets/kansas/bdc_*.csv datasets/kansas/bdc_*.zip
	@echo "wrote out/kansas_county_stats.csv"
	$(DIALTONE) map -q --regions datasets/kansas/counties.gpkg --stats out/kansas_county_stats.csv \
	  --column pct_unserved --region-noun counties --scale-bar mi --width 1200 \
	  --title "Where Kansas locations lack basic broadband" \
	  --subtitle "Share of locations with no reliable 25/3 Mbps service, by county (quintiles)" \
	  --source "FCC Broadband Data Collection, synthetic sample bundled with dialtone; county lines: U.S. Census Bureau" \
	  -o out/kansas_unserved.png
	$(DIALTONE) map -q --regions datasets/kansas/counties.gpkg --stats out/kansas_county_stats.csv \
	  --column unserved --view symbols --scale-bar mi --width 1200 \
	  --title "Where the unserved locations are" \
	  --subtitle "Locations with no reliable 25/3 Mbps service, by county" \
	  --source "FCC Broadband Data Collection, synthetic sample bundled with dialtone; county lines: U.S. Census Bureau" \
	  -o out/kansas_unserved_symbols.png
	@echo "wrote out/kansas_unserved.png and out/kansas_unserved_symbols.png"

install: $(DIALTONE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/dialtone \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(DIALTONE) $(DESTDIR)$(PREFIX)/bin/dialtone
	install -m 644 $(LIBRARY) $(DESTDIR)$(PREFIX)/lib/libdialtone.a
	install -m 644 include/dialtone/*.h $(DESTDIR)$(PREFIX)/include/dialtone/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/dialtone $(DESTDIR)$(PREFIX)/lib/libdialtone.a
	rm -rf $(DESTDIR)$(PREFIX)/include/dialtone
	rm -f $(patsubst man/%,$(DESTDIR)$(PREFIX)/share/man/man1/%,$(wildcard man/*.1))

format:
	clang-format -i include/dialtone/*.h lib/*.c lib/*.h tools/*.c tools/*.h tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build build-asan bin

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d)
