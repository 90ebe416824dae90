"""The operations section of template.yaml, written from one source: the CloudWatch dashboard, the
alarms, the Logs Insights saved queries and the Lambda console's shareable test events.

What it is made of is read, never repeated: the hook types from the registry
(`dahooks.hook_types.HOOK_TYPES`), the functions, routes, log groups, queues and table from the
hand-written rest of template.yaml, and the test events from events/. `make generate` rewrites the
section between its two marker lines; a unit test fails when the committed section is not what
the generator writes.

    python -m tools.operations          # rewrite template.yaml's generated section
    python -m tools.operations --check  # exit 1 when it is out of date
"""
