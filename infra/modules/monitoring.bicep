// What an operator looks at: a workbook over the app's own telemetry in Application Insights, and alert rules
// (5xx and 503 answers, an expiry timer that stopped running, failed webhook deliveries once webhooks exist) that
// notify an optional e-mail address through an action group.
//
// The app's meter is named Licensing (src/Licensing.Functions/Telemetry/LicensingMetrics.cs): its instruments arrive
// in the customMetrics table under their own names (licensing.calls, ...), tags in customDimensions. Each call is
// also a span named "licensing <endpoint>" (dependencies table) with the outcome, reason, license id and seats in use.

@description('Azure region of the workbook, action group and alert rules.')
param location string

@description('Tags put on every resource.')
param tags {
  @description('A tag value.')
  *: string
}

@description('The deployment\'s short name, shown in the names of the workbook and the rules.')
param environmentName string

@description('Application Insights component the app sends its telemetry to.')
param appInsightsName string

@description('E-mail address the alerts notify; empty for no action group.')
param alertEmail string

@description('Percentage of API calls answered 5xx (503 included) over 15 minutes that fires the error-rate alert.')
param errorRatePercent int = 5

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-licensing-${environmentName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'licensing'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

@description('The action groups every alert rule notifies.')
var actions = empty(alertEmail) ? [] : [actionGroup.id]

@description('KQL of each workbook chart, over the Application Insights component.')
var charts = [
  {
    title: 'Seats in use (licenses active in each 15 minutes)'
    query: '''dependencies
| where name startswith "licensing "
| extend license = tostring(customDimensions["licensing.license_id"]), seats = toint(customDimensions["licensing.seats_in_use"])
| where isnotempty(license) and isnotnull(seats)
| summarize arg_max(timestamp, seats) by license, bucket = bin(timestamp, 15m)
| summarize seatsInUse = sum(seats) by bucket
| render timechart'''
  }
  {
    title: 'Seats granted and ended, by cause'
    query: '''customMetrics
| where name in ("licensing.seats.granted", "licensing.seats.ended")
| extend series = strcat(name, " ", tostring(customDimensions["cause"]))
| summarize seats = sum(value) by series, bin(timestamp, 5m)
| render timechart'''
  }
  {
    title: 'Denials by reason'
    query: '''customMetrics
| where name == "licensing.denials"
| summarize calls = sum(value) by reason = tostring(customDimensions["reason"]), bin(timestamp, 5m)
| render timechart'''
  }
  {
    title: 'Calls by endpoint and outcome'
    query: '''customMetrics
| where name == "licensing.calls"
| summarize calls = sum(value) by endpoint = tostring(customDimensions["endpoint"]), outcome = tostring(customDimensions["outcome"])
| order by calls desc'''
  }
  {
    title: 'Latency percentiles (ms) by endpoint'
    query: '''dependencies
| where name startswith "licensing "
| summarize p50 = percentile(duration, 50), p95 = percentile(duration, 95), p99 = percentile(duration, 99), calls = count() by endpoint = tostring(customDimensions["licensing.endpoint"])
| order by p95 desc'''
  }
  {
    title: 'Errors: 5xx answers and storage 503s'
    query: '''customMetrics
| where name in ("licensing.calls", "licensing.storage.unavailable")
| extend status = toint(customDimensions["status"])
| where name == "licensing.storage.unavailable" or status >= 500
| summarize calls = sum(value) by series = strcat(name, " ", tostring(customDimensions["outcome"]), tostring(customDimensions["endpoint"])), bin(timestamp, 5m)
| render timechart'''
  }
  {
    title: 'Storage requests by status'
    query: '''customMetrics
| where name == "licensing.storage.requests"
| summarize requests = sum(value) by status = tostring(customDimensions["status"]), bin(timestamp, 5m)
| render timechart'''
  }
  {
    title: 'Expiry timer runs and duration (ms)'
    query: '''customMetrics
| where name in ("licensing.expiry.runs", "licensing.expiry.duration")
| summarize runs = sumif(value, name == "licensing.expiry.runs"), averageMs = sumif(value, name == "licensing.expiry.duration") / sumif(valueCount, name == "licensing.expiry.duration") by result = tostring(customDimensions["result"]), bin(timestamp, 15m)
| render timechart'''
  }
]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, appInsights.id, 'licensing-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Licensing server (${environmentName})'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string({
      version: 'Notebook/1.0'
      items: concat(
        [
          {
            type: 1
            name: 'intro'
            content: {
              json: '## Licensing server\nSeats, grants and denials, latency, errors and the expiry timer, from the app\'s own meter and spans. Time range: the picker of each chart (default: last 24 hours).'
            }
          }
        ],
        map(range(0, length(charts)), i => {
          type: 3
          name: 'chart-${i}'
          content: {
            version: 'KqlItem/1.0'
            title: charts[i].title
            query: charts[i].query
            queryType: 0
            resourceType: 'microsoft.insights/components'
            timeContext: {
              durationMs: 86400000
            }
            size: 0
          }
        })
      )
      isLocked: false
      fallbackResourceIds: [
        appInsights.id
      ]
    })
  }
}

resource errorRateAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-licensing-${environmentName}-5xx-rate'
  location: location
  tags: tags
  properties: {
    displayName: 'Licensing (${environmentName}): 5xx or 503 answers above ${errorRatePercent}%'
    description: 'More than ${errorRatePercent}% of the API calls of the last 15 minutes (at least 20 calls) were answered 5xx, storage 503s included. See the workbook\'s Errors chart, then the app\'s traces.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '''customMetrics
| where name == "licensing.calls"
| extend status = toint(customDimensions["status"])
| summarize total = sum(value), failed = sumif(value, status >= 500)
| where total >= 20
| extend failedPercent = 100.0 * failed / total'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failedPercent'
          operator: 'GreaterThan'
          threshold: errorRatePercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: actions
    }
  }
}

resource timerAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-licensing-${environmentName}-timer-stopped'
  location: location
  tags: tags
  properties: {
    displayName: 'Licensing (${environmentName}): the expiry timer has not run for 15 minutes'
    description: 'The ExpireLapsedTokens timer runs every minute; no run was recorded in 15 minutes, so lapsed leases are not being ended. Check that the app is running and its host storage reachable.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '''customMetrics
| where name == "licensing.expiry.runs"'''
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: actions
    }
  }
}

resource backupAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-licensing-${environmentName}-backup-stale'
  location: location
  tags: tags
  properties: {
    displayName: 'Licensing (${environmentName}): no complete backup for two days'
    description: 'The BackupTables timer (daily by default, Licensing__BackupSchedule) recorded no complete run in two days, so the newest backup is getting old. Check the app logs for "BackupTables stopped" and that the backup container is reachable. With a schedule slower than daily, disable this rule or widen it.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: '''customMetrics
| where name == "licensing.backup.runs" and tostring(customDimensions["result"]) == "complete"'''
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: actions
    }
  }
}

// A placeholder until the server delivers webhooks: disabled, over the instrument those deliveries will be counted by.
resource deliveriesAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-licensing-${environmentName}-failed-deliveries'
  location: location
  tags: tags
  properties: {
    displayName: 'Licensing (${environmentName}): failed webhook deliveries'
    description: 'Placeholder, disabled: the server delivers no webhooks yet. Enable it once licensing.webhooks.deliveries is counted.'
    severity: 2
    enabled: false
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '''customMetrics
| where name == "licensing.webhooks.deliveries" and tostring(customDimensions["outcome"]) == "failed"
| summarize failed = sum(value)'''
          timeAggregation: 'Total'
          metricMeasureColumn: 'failed'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: actions
    }
  }
}

@description('Resource id of the workbook.')
output workbookId string = workbook.id
