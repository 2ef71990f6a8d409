# A consumer addon's whole build description: sketchmax's gyp target compiles its kernels (every ISA,
# each with its own flags) and C API into this addon; no -m flag or source list of our own.
{
  'targets': [
    {
      'target_name': 'consumer',
      'sources': ['consumer.cc'],
      'include_dirs': ["<!(node -p \"require('sketchmax/native').include\")"],
      'dependencies': [
        "<!(node -p \"require('sketchmax/native').gyp\")",
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'cflags_cc': ['-std=c++17'],
      'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-std=c++17']},
      'defines': ['NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
    },
  ],
}
