// What was built, and how: recorded in every result so two runs can be told apart.
#pragma once

namespace yb::build_info {

extern const char* const version;
extern const char* const git_commit;
extern const char* const compiler;
extern const char* const cxx_flags;
extern const char* const preset;

}  // namespace yb::build_info
