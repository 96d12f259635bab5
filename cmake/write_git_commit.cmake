# Writes the source tree's commit into OUTPUT at every build, touching the file only when it
# changes, so results name the code that produced them without forcing rebuilds.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR commit STREQUAL "")
  set(commit "unknown (not a git checkout)")
endif()
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "#define YB_GIT_COMMIT \"${commit}\"\n" @ONLY)
